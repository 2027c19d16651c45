"""Dev mode helpers: start the gateway as a child process, connect a sandbox Gmail mailbox.

    gateway = DevGateway.start(extra_args=["--poll-interval", "PT0.5S"])
    ...  # gateway.address is "127.0.0.1:<port>"
    gateway.stop()

The gateway runs as `java -jar <jar> dev --port 0 --data-dir <fresh temp dir>`; start() returns
once it printed "ready on <host>:<port>". The jar is $MAILGATE_JAR, else
server/dev/target/mailgate-dev-app.jar (./mvnw -pl server/dev -am package -DskipTests).
"""

import collections
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request

from mailgate.v1 import connection_service_pb2

REPO = pathlib.Path(__file__).resolve().parents[3]
READY = re.compile(r"ready on ([\d.]+):(\d+)")


def default_jar():
    jar = os.environ.get("MAILGATE_JAR")
    return pathlib.Path(jar).resolve() if jar else REPO / "server" / "dev" / "target" / "mailgate-dev-app.jar"


def default_java():
    home = os.environ.get("JAVA_HOME")
    return os.path.join(home, "bin", "java") if home else "java"


class DevGateway:
    """A dev-mode gateway running as a child process, with its own data directory."""

    def __init__(self, process, data_dir, lines):
        self.process = process
        self.data_dir = data_dir
        self._lines = lines
        self.address = None

    @classmethod
    def start(cls, extra_args=(), timeout_seconds=110, jar=None, java=None):
        jar = pathlib.Path(jar or default_jar())
        if not jar.is_file():
            raise RuntimeError(
                f"Mailgate dev jar not found at {jar}; build it with "
                "./mvnw -pl server/dev -am package -DskipTests, or set MAILGATE_JAR"
            )
        data_dir = tempfile.mkdtemp(prefix="mailgate-python-")
        command = [java or default_java(), "-jar", str(jar), "dev", "--port", "0", "--data-dir", data_dir, *extra_args]
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        lines = collections.deque(maxlen=400)  # the tail of the output, for error messages
        ready = threading.Event()
        found = {}

        def drain():
            for line in process.stdout:
                lines.append(line.rstrip("\n"))
                match = READY.search(line)
                if match and not ready.is_set():
                    found["address"] = f"{match.group(1)}:{match.group(2)}"
                    ready.set()
            ready.set()  # the gateway exited

        threading.Thread(target=drain, name="mailgate-dev-output", daemon=True).start()
        gateway = cls(process, data_dir, lines)
        if not ready.wait(timeout_seconds) or "address" not in found:
            gateway.stop(grace_seconds=5)
            raise RuntimeError(f"the dev gateway was not ready within {timeout_seconds} s:\n" + gateway.output())
        gateway.address = found["address"]
        return gateway

    def output(self):
        return "\n".join(self._lines)

    def stop(self, grace_seconds=30):
        """SIGTERM (as Ctrl-C), SIGKILL after the grace period; returns the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(grace_seconds)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.data_dir, ignore_errors=True)
        return self.process.returncode


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def connect_sandbox_gmail(client, user_id, email, timeout_seconds=30):
    """Connects user_id's sandbox Gmail mailbox `email` through dev mode's OAuth flow.

    StartAuthorization gives the authorization URL of the local OAuth server; its login page is a
    form that accepts any address, submitted here as `email`; its redirect reaches the gateway's
    /oauth2/callback, which stores the tokens. Returns the connection as ListConnections shows it.
    """
    started = client.connections.StartAuthorization(
        connection_service_pb2.StartAuthorizationRequest(
            user_id=user_id, provider=connection_service_pb2.PROVIDER_GMAIL
        )
    )
    opener = urllib.request.build_opener(_NoRedirect)
    form = urllib.parse.urlencode({"username": email}).encode()
    try:
        opener.open(urllib.request.Request(started.authorization_url, data=form), timeout=timeout_seconds)
        raise RuntimeError("the OAuth login form did not redirect")
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise RuntimeError(f"the OAuth login form answered {answer.code}") from None
        callback = answer.headers["Location"]
    with opener.open(callback, timeout=timeout_seconds) as answer:
        if answer.status != 200:
            raise RuntimeError(f"the OAuth callback answered {answer.status}")
    listed = client.connections.ListConnections(connection_service_pb2.ListConnectionsRequest(user_id=user_id))
    return next(c for c in listed.connections if c.email_address == email)
