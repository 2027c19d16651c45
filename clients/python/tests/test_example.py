"""The Python example against a gateway in dev mode that this test starts (Debian's python3-grpcio).

Run by run-tests.sh (Maven, clients/python/pom.xml) or by hand from clients/python:
    PYTHONPATH=target/generated:. /usr/bin/python3 -m unittest discover -s tests -v
"""

import unittest
import uuid

import grpc

import example
from mailgate.v1 import connection_service_pb2, mail_service_pb2, user_service_pb2
from mailgate_client.client import MailgateClient
from mailgate_client.dev_gateway import DevGateway


class PythonClientExampleTest(unittest.TestCase):
    """One dev gateway for the class; every test uses users of its own."""

    @classmethod
    def setUpClass(cls):
        cls.gateway = DevGateway.start(extra_args=["--poll-interval", "PT0.5S"])
        cls.mg = MailgateClient(cls.gateway.address, tenant_id=example.ACME_TENANT, api_key=example.ACME_DEV_KEY)

    @classmethod
    def tearDownClass(cls):
        cls.mg.close()
        code = cls.gateway.stop()
        # Dev mode stops by itself on SIGTERM, as on Ctrl-C (SIGKILL would read -9).
        assert code != -9, "the dev gateway had to be killed"

    def new_user_with_gmail(self):
        user_id = f"py-{uuid.uuid4().hex[:8]}"
        return example.create_user_with_gmail(self.mg, user_id)

    def test_created_user_connects_sandbox_gmail_through_the_dev_oauth_flow(self):
        user, connection = self.new_user_with_gmail()
        self.assertEqual(user.email, f"{user.user_id}@example.com")
        self.assertEqual(connection.user_id, user.user_id)
        self.assertEqual(connection.provider, connection_service_pb2.PROVIDER_GMAIL)
        self.assertEqual(connection.status, connection_service_pb2.CONNECTION_STATUS_ACTIVE)
        fetched = self.mg.users.GetUser(user_service_pb2.GetUserRequest(user_id=user.user_id))
        self.assertEqual(fetched.connection_count, 1)

    def test_same_request_id_twice_sends_one_message_and_search_finds_it(self):
        _, connection = self.new_user_with_gmail()
        tag = uuid.uuid4().hex[:8]
        request_id = str(uuid.uuid4())
        first = example.send_to_self(self.mg, connection, f"once {tag}", request_id)
        again = example.send_to_self(self.mg, connection, f"once {tag}", request_id)
        self.assertEqual((again.message_id, again.thread_id), (first.message_id, first.thread_id))
        found = example.search(self.mg, connection, f"subject:{tag}")
        self.assertEqual([m.message_id for m in found], [first.message_id])
        self.assertEqual(found[0].subject, f"once {tag}")
        self.assertEqual(found[0].connection_id, connection.connection_id)

    def test_request_id_reused_for_another_message_is_already_exists_idempotency_key_reused(self):
        _, connection = self.new_user_with_gmail()
        tag = uuid.uuid4().hex[:8]
        request_id = str(uuid.uuid4())
        sent = example.send_to_self(self.mg, connection, f"first {tag}", request_id)
        error = example.expect_failure(example.send_to_self, self.mg, connection, f"second {tag}", request_id)
        self.assertEqual(
            (error.code, error.domain, error.reason),
            (grpc.StatusCode.ALREADY_EXISTS, "mailgate", "IDEMPOTENCY_KEY_REUSED"),
        )
        self.assertEqual(error.status_code, grpc.StatusCode.ALREADY_EXISTS.value[0])
        # Nothing else was sent: only the first message exists.
        self.assertEqual([m.message_id for m in example.search(self.mg, connection, f"subject:{tag}")], [sent.message_id])

    def test_connection_of_another_user_is_not_found_with_connection_not_found(self):
        _, connection = self.new_user_with_gmail()
        other, _ = self.new_user_with_gmail()
        error = example.expect_failure(
            self.mg.connections.GetConnection,
            connection_service_pb2.GetConnectionRequest(user_id=other.user_id, connection_id=connection.connection_id),
        )
        self.assertEqual(
            (error.code, error.domain, error.reason), (grpc.StatusCode.NOT_FOUND, "mailgate", "CONNECTION_NOT_FOUND")
        )

    def test_empty_user_id_is_invalid_argument_with_a_field_violation(self):
        error = example.expect_failure(self.mg.users.CreateUser, user_service_pb2.CreateUserRequest(user_id=""))
        self.assertEqual((error.code, error.reason), (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT"))
        self.assertIn("user_id", [field for field, _ in error.field_violations])

    def test_wrong_api_key_is_unauthenticated_api_key_invalid(self):
        with MailgateClient(self.gateway.address, tenant_id="acme", api_key="mgk_dev_acme_000000000000") as wrong:
            error = example.expect_failure(wrong.users.GetUser, user_service_pb2.GetUserRequest(user_id="alice"))
        self.assertEqual((error.code, error.reason), (grpc.StatusCode.UNAUTHENTICATED, "API_KEY_INVALID"))

    def test_watch_mailbox_resumes_from_the_saved_cursor_without_the_events_before_it(self):
        _, connection = self.new_user_with_gmail()
        tag = uuid.uuid4().hex[:8]
        cursor = example.wait_until_watched(self.mg, connection)

        example.send_to_self(self.mg, connection, f"one {tag}")
        one, _ = example.events_until(self.mg, connection, cursor, example.is_arrival(f"one {tag}"))
        self.assertTrue(one.cursor)
        self.assertEqual(one.connection_id, connection.connection_id)

        # The stream is closed; mail arrives meanwhile; the next stream starts after the saved cursor.
        example.send_to_self(self.mg, connection, f"two {tag}")
        example.send_to_self(self.mg, connection, f"three {tag}")
        three, seen = example.events_until(self.mg, connection, one.cursor, example.is_arrival(f"three {tag}"))
        arrivals = [e.message.subject for e in seen if example.is_arrival(e.message.subject)(e)]
        self.assertEqual(arrivals, [f"two {tag}", f"three {tag}"])
        self.assertTrue(all(e.sequence > one.sequence for e in seen), "an event before the cursor came again")
        self.assertGreater(three.sequence, one.sequence)

    def test_watch_mailbox_from_a_tampered_cursor_is_invalid_argument(self):
        _, connection = self.new_user_with_gmail()
        cursor = self.mg.mail.ListMailboxEvents(
            mail_service_pb2.ListMailboxEventsRequest(user_id=connection.user_id, connection_id=connection.connection_id)
        ).next_cursor
        tampered = cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB")
        error = example.expect_failure(
            lambda: list(
                self.mg.mail.WatchMailbox(
                    mail_service_pb2.WatchMailboxRequest(
                        user_id=connection.user_id, connection_id=connection.connection_id, cursor=tampered
                    ),
                    timeout=10,
                )
            )
        )
        self.assertEqual((error.code, error.reason), (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT"))


if __name__ == "__main__":
    unittest.main()
