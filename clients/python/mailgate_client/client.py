"""A small client for the Mailgate gateway over gRPC (Debian's python3-grpcio).

    with MailgateClient("127.0.0.1:8080", tenant_id="acme", api_key="mgk_...") as mg:
        user = mg.users.CreateUser(user_service_pb2.CreateUserRequest(user_id="u-42"))

Every call carries the tenant (`x-tenant-id`) and the API key (`authorization: Bearer ...`),
added by one interceptor; the stubs are the generated ones (generate_stubs.py), used as they are.
"""

import collections

import grpc

from mailgate.v1 import (
    connection_service_pb2_grpc,
    mail_service_pb2_grpc,
    user_service_pb2_grpc,
)


class _CallDetails(
    collections.namedtuple(
        "_CallDetails", ("method", "timeout", "metadata", "credentials", "wait_for_ready", "compression")
    ),
    grpc.ClientCallDetails,
):
    """The details of one call, with the tenant's metadata added."""


class _TenantMetadata(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor):
    """Adds x-tenant-id and authorization to every call; metadata set on the call itself wins."""

    def __init__(self, tenant_id, api_key):
        self._metadata = []
        if tenant_id:
            self._metadata.append(("x-tenant-id", tenant_id))
        if api_key:
            self._metadata.append(("authorization", f"Bearer {api_key}"))

    def _with_metadata(self, details):
        own = list(details.metadata or [])
        keys = {key for key, _ in own}
        merged = own + [(k, v) for k, v in self._metadata if k not in keys]
        return _CallDetails(
            details.method,
            details.timeout,
            merged,
            details.credentials,
            details.wait_for_ready,
            details.compression,
        )

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(self._with_metadata(details), request)

    def intercept_unary_stream(self, continuation, details, request):
        return continuation(self._with_metadata(details), request)


class MailgateClient:
    """One channel to the gateway and the stubs of its services, for one tenant and API key."""

    def __init__(self, address, tenant_id, api_key):
        self._channel = grpc.intercept_channel(
            grpc.insecure_channel(address), _TenantMetadata(tenant_id, api_key)
        )
        self.users = user_service_pb2_grpc.UserServiceStub(self._channel)
        self.connections = connection_service_pb2_grpc.ConnectionServiceStub(self._channel)
        self.mail = mail_service_pb2_grpc.MailServiceStub(self._channel)

    def close(self):
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
