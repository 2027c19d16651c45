-- IMAP/SMTP connections keep their password here, encrypted exactly like OAuth tokens (Tink AEAD
-- bound to tenant + connection + field). Hosts, ports and username live in connections.settings.
ALTER TABLE connections ADD COLUMN password BYTEA;
