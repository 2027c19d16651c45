"""A small Mailgate client over the generated stubs (generate_stubs.py puts them in target/generated)."""
