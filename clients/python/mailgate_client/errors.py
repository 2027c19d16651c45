"""Reads Mailgate's error details: the google.rpc.Status in the grpc-status-details-bin trailer.

Every failed call carries a gRPC status plus one google.rpc.ErrorInfo{domain: "mailgate", reason}
(AIP-193), and a RetryInfo or BadRequest where they fit. Switch on the reason, not on the message.
"""

import dataclasses

import grpc
from google.rpc import error_details_pb2, status_pb2

STATUS_DETAILS_KEY = "grpc-status-details-bin"


@dataclasses.dataclass
class MailgateError:
    """What a failed call said: its gRPC code, message and decoded details."""

    code: grpc.StatusCode
    message: str
    reason: str = ""
    domain: str = ""
    metadata: dict = dataclasses.field(default_factory=dict)
    field_violations: list = dataclasses.field(default_factory=list)
    retry_delay_seconds: float | None = None
    status_code: int | None = None


def decode_error(error: grpc.RpcError) -> MailgateError:
    """Decodes the google.rpc.Status of a failed call (grpc.RpcError, which is also a grpc.Call)."""
    result = MailgateError(code=error.code(), message=error.details() or "")
    raw = next((value for key, value in error.trailing_metadata() or () if key == STATUS_DETAILS_KEY), None)
    if raw is None:
        return result
    status = status_pb2.Status.FromString(raw)
    result.status_code = status.code
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            result.reason, result.domain, result.metadata = info.reason, info.domain, dict(info.metadata)
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            result.field_violations = [(v.field, v.description) for v in bad.field_violations]
        elif detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            retry = error_details_pb2.RetryInfo()
            detail.Unpack(retry)
            result.retry_delay_seconds = retry.retry_delay.ToTimedelta().total_seconds()
    return result
