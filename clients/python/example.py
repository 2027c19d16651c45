"""Mailgate from Python, step by step, against a gateway in dev mode (`./mailgate dev`).

    cd clients/python && /usr/bin/python3 generate_stubs.py
    PYTHONPATH=target/generated /usr/bin/python3 example.py [ADDRESS]      # default 127.0.0.1:8080

Creates a user, connects their sandbox Gmail through dev mode's OAuth flow, sends a message
idempotently (the same request_id twice gives one message), searches, reads the ErrorInfo reason
of a failure, and resumes a WatchMailbox stream from a saved cursor. tests/test_example.py runs
these same functions against a gateway it starts.
"""

import sys
import time
import uuid

import grpc

from mailgate.v1 import mail_service_pb2, user_service_pb2
from mailgate_client.client import MailgateClient
from mailgate_client.dev_gateway import connect_sandbox_gmail
from mailgate_client.errors import decode_error

ACME_TENANT = "acme"
ACME_DEV_KEY = "mgk_dev_acme_5f2c9a7e41d8"  # published, dev mode only
MESSAGE_ADDED = mail_service_pb2.MAILBOX_EVENT_TYPE_MESSAGE_ADDED
HEARTBEAT = mail_service_pb2.MAILBOX_EVENT_TYPE_HEARTBEAT


def create_user_with_gmail(mg, user_id):
    """Creates the user and connects their sandbox Gmail mailbox <user_id>@example.com."""
    user = mg.users.CreateUser(user_service_pb2.CreateUserRequest(user_id=user_id, email=f"{user_id}@example.com"))
    connection = connect_sandbox_gmail(mg, user.user_id, f"{user_id}@example.com")
    return user, connection


def send_to_self(mg, connection, subject, request_id=None, body="hello from Python"):
    """Sends a message from the connection to its own address; request_id makes the send idempotent."""
    return mg.mail.SendMessage(
        mail_service_pb2.SendMessageRequest(
            user_id=connection.user_id,
            connection_id=connection.connection_id,
            request_id=request_id or str(uuid.uuid4()),
            content=mail_service_pb2.MessageContent(
                to=[mail_service_pb2.EmailAddress(address=connection.email_address)],
                subject=subject,
                text_body=body,
            ),
        )
    )


def search(mg, connection, query):
    """One page of the connection's messages matching a Gmail-style query, newest first."""
    return mg.mail.SearchMessages(
        mail_service_pb2.SearchMessagesRequest(
            user_id=connection.user_id, connection_id=connection.connection_id, query=query
        )
    ).messages


def expect_failure(call, *args, **kwargs):
    """Makes a call that must fail and returns its decoded error (code, ErrorInfo reason, ...)."""
    try:
        call(*args, **kwargs)
    except grpc.RpcError as error:
        return decode_error(error)
    raise AssertionError(f"{call} did not fail")


def events_until(mg, connection, cursor, wanted, timeout_seconds=30):
    """Reads WatchMailbox from `cursor` until an event for which wanted(event) is true.

    Returns (that event, every non-heartbeat event read). The caller saves event.cursor: a later
    WatchMailbox from it starts right after this event. Heartbeats carry a cursor too; a real
    consumer saves those as well.
    """
    stream = mg.mail.WatchMailbox(
        mail_service_pb2.WatchMailboxRequest(
            user_id=connection.user_id, connection_id=connection.connection_id, cursor=cursor
        ),
        timeout=timeout_seconds,
    )
    seen = []
    try:
        for event in stream:
            if event.type == HEARTBEAT:
                continue
            seen.append(event)
            if wanted(event):
                return event, seen
    finally:
        stream.cancel()
    raise AssertionError("the stream ended without the event")


def is_arrival(subject):
    """An event saying a message with this subject arrived in the inbox."""
    return lambda e: e.type == MESSAGE_ADDED and e.message.subject == subject and "INBOX" in e.message.label_ids


def wait_until_watched(mg, connection, timeout_seconds=60):
    """Returns a cursor once the new connection is watched.

    The watcher takes a new connection's starting point shortly after it is connected; mail that
    arrives before that makes no event. A warm-up message is sent until its arrival is listed.
    """
    cursor = mg.mail.ListMailboxEvents(
        mail_service_pb2.ListMailboxEventsRequest(user_id=connection.user_id, connection_id=connection.connection_id)
    ).next_cursor
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        subject = f"warm-up {uuid.uuid4().hex[:8]}"
        send_to_self(mg, connection, subject)
        for _ in range(20):
            time.sleep(0.25)
            page = mg.mail.ListMailboxEvents(
                mail_service_pb2.ListMailboxEventsRequest(
                    user_id=connection.user_id, connection_id=connection.connection_id, cursor=cursor
                )
            )
            cursor = page.next_cursor
            if any(is_arrival(subject)(e) for e in page.events):
                return cursor
    raise AssertionError(f"the connection was not watched within {timeout_seconds} s")


def main(address):
    run = uuid.uuid4().hex[:8]
    with MailgateClient(address, tenant_id=ACME_TENANT, api_key=ACME_DEV_KEY) as mg:
        user, connection = create_user_with_gmail(mg, f"py-{run}")
        print(f"user {user.user_id}: connection {connection.connection_id} ({connection.email_address})")

        request_id = str(uuid.uuid4())
        first = send_to_self(mg, connection, f"hello {run}", request_id)
        again = send_to_self(mg, connection, f"hello {run}", request_id)
        print(f"sent {first.message_id}, the same request_id again gave {again.message_id}")
        print(f"search: {len(search(mg, connection, f'subject:{run}'))} message(s) with subject 'hello {run}'")

        error = expect_failure(send_to_self, mg, connection, f"other {run}", request_id)
        print(f"the request_id with another message: {error.code.name} {error.reason}")

        cursor = wait_until_watched(mg, connection)
        send_to_self(mg, connection, f"one {run}")
        one, _ = events_until(mg, connection, cursor, is_arrival(f"one {run}"))
        print(f"WatchMailbox: '{one.message.subject}' (sequence {one.sequence}); cursor saved, stream closed")
        send_to_self(mg, connection, f"two {run}")
        two, seen = events_until(mg, connection, one.cursor, is_arrival(f"two {run}"))
        print(f"resumed from the cursor: '{two.message.subject}' (sequence {two.sequence}), "
              f"{len(seen)} event(s) read, none before the cursor")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8080")
