package dev.mailgate.server.api;

import dev.mailgate.proto.v1.MailServiceGrpcService;
import io.vertx.grpc.server.Service;

/** mailgate.v1.MailService: answered UNIMPLEMENTED until the providers exist. */
public final class MailApi {

  private static final String MISSING = "mail operations come with the Gmail, Outlook and IMAP providers";

  public Service service(RpcBinder binder) {
    return binder.service(MailServiceGrpcService.SERVICE_NAME, MailServiceGrpcService.SERVICE_DESCRIPTOR)
        .notYet(MailServiceGrpcService.SearchMessages, MISSING)
        .notYet(MailServiceGrpcService.GetMessage, MISSING)
        .notYet(MailServiceGrpcService.GetAttachment, MISSING)
        .notYet(MailServiceGrpcService.GetThread, MISSING)
        .notYet(MailServiceGrpcService.SendMessage, MISSING)
        .notYet(MailServiceGrpcService.CreateDraft, MISSING)
        .notYet(MailServiceGrpcService.GetDraft, MISSING)
        .notYet(MailServiceGrpcService.ListDrafts, MISSING)
        .notYet(MailServiceGrpcService.UpdateDraft, MISSING)
        .notYet(MailServiceGrpcService.DeleteDraft, MISSING)
        .notYet(MailServiceGrpcService.SendDraft, MISSING)
        .notYet(MailServiceGrpcService.ListLabels, MISSING)
        .notYet(MailServiceGrpcService.ModifyMessage, MISSING)
        .notYet(MailServiceGrpcService.TrashMessage, MISSING)
        .notYet(MailServiceGrpcService.UntrashMessage, MISSING)
        .notYet(MailServiceGrpcService.WatchMailbox, "mailbox watching comes with the providers")
        .build();
  }
}
