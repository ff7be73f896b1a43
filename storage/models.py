"""Table definitions (SQLAlchemy 2 declarative, typed with `Mapped`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ConversationRow(Base):
    """The current state of one citizen's conversation on one channel."""

    __tablename__ = "conversation_state"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class MessageLogRow(Base):
    """One message in or out, without its text: enough for usage reports, no personal data."""

    __tablename__ = "message_log"
    __table_args__ = (Index("ix_message_log_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(16))
    direction: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(16))
    answer_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decision: Mapped[str | None] = mapped_column(String(16), nullable=True)


class WalkSessionRow(Base):
    """One guided walkthrough: progress, opt-in reminder and how it ended."""

    __tablename__ = "walk_session"
    __table_args__ = (Index("ix_walk_session_open", "finished_at", "abandoned_at", "last_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    procedure_id: Mapped[str] = mapped_column(String(64))
    step: Mapped[int] = mapped_column(Integer, default=0)
    step_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    remind: Mapped[bool] = mapped_column(default=False)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    abandoned_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class EventRow(Base):
    """Something worth counting (walkthrough started, step reached, stuck…); no personal data."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_kind_at", "kind", "at"), Index("ix_event_ref", "ref", "kind", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    procedure_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    step: Mapped[str | None] = mapped_column(String(64), nullable=True)
    ref: Mapped[str | None] = mapped_column(String(64), nullable=True)


class OutboxRow(Base):
    """A message waiting to be sent (a reply, a reminder, a staff reply); deleted once delivered."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "channel", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    replies: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # While set and in the future, one process is sending this row and the others leave it alone.
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class UnansweredRow(Base):
    """A question the bot could not answer, normalised and counted (no personal data)."""

    __tablename__ = "unanswered"
    __table_args__ = (Index("ix_unanswered_last_seen", "last_seen"),)

    text: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class InboxRow(Base):
    """Platform updates already accepted, so a redelivered update is never handled twice."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_received_at", "received_at"),)

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class DossierRow(Base):
    """A filed dossier as the one-stop system knows it; the phone is also kept as a keyed hash to look up."""

    __tablename__ = "dossier"
    __table_args__ = (Index("ix_dossier_phone_hash", "phone_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    procedure_id: Mapped[str] = mapped_column(String(64))
    phone_e164: Mapped[str] = mapped_column(String(20))
    phone_hash: Mapped[str] = mapped_column(String(64))
    applicant_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(32))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(16))
    synced_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class DossierStatusHistoryRow(Base):
    """Each status a dossier has had, when it changed."""

    __tablename__ = "dossier_status_history"
    __table_args__ = (Index("ix_dossier_status_history_code", "dossier_code", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_code: Mapped[str] = mapped_column(String(64), ForeignKey("dossier.code", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class OneTimeCodeRow(Base):
    """A code sent by SMS: only its keyed hash, bound to one chat, user and phone."""

    __tablename__ = "one_time_code"
    __table_args__ = (
        Index("ix_one_time_code_chat", "channel", "chat_id", "created_at"),
        Index("ix_one_time_code_phone", "phone_hash", "created_at"),
        Index("ix_one_time_code_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(32), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    phone_hash: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ConsentRow(Base):
    """A citizen's explicit consent: which text they agreed to, for what, when and where."""

    __tablename__ = "consent"
    __table_args__ = (Index("ix_consent_user", "channel", "user_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    text_version: Mapped[str] = mapped_column(String(32))
    purpose: Mapped[str] = mapped_column(String(32))


class AuditRow(Base):
    """One security-relevant attempt (code sent, code checked, lookup); a phone only as its keyed hash."""

    __tablename__ = "audit"
    __table_args__ = (
        Index("ix_audit_phone", "phone_hash", "action", "at"),
        Index("ix_audit_chat", "channel", "chat_id", "action", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[str] = mapped_column(String(16))
    result: Mapped[str] = mapped_column(String(16))


class VolunteerRow(Base):
    """A youth-union volunteer who hands out referral links and posters."""

    __tablename__ = "volunteer"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ReferralCodeRow(Base):
    """A short code a citizen types (e.g. on Zalo) standing for a volunteer and a procedure ("" for none)."""

    __tablename__ = "referral_code"
    __table_args__ = (Index("ix_referral_code_target", "volunteer_code", "procedure_id", unique=True),)

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    volunteer_code: Mapped[str] = mapped_column(String(16), ForeignKey("volunteer.code", ondelete="CASCADE"))
    procedure_id: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class VolunteerAccountRow(Base):
    """A chat account linked to a volunteer, so `/thongke` there shows that volunteer's figures."""

    __tablename__ = "volunteer_account"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    volunteer_code: Mapped[str] = mapped_column(String(16), ForeignKey("volunteer.code", ondelete="CASCADE"))
    linked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class VolunteerLinkTokenRow(Base):
    """A one-time token, kept only as its SHA-256, that links the chat account opening it to a volunteer."""

    __tablename__ = "volunteer_link_token"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    volunteer_code: Mapped[str] = mapped_column(String(16), ForeignKey("volunteer.code", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class TicketRow(Base):
    """A citizen's question handed to staff: their text (deleted 30 days after closing) and ids, no phone."""

    __tablename__ = "ticket"
    __table_args__ = (
        Index("ix_ticket_user", "channel", "user_id", "closed_at"),
        Index("ix_ticket_staff_message", "staff_message_id"),
        Index("ix_ticket_closed_at", "closed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    # JSON: the procedure and walkthrough step the citizen was on, the last answer id.
    context: Mapped[str] = mapped_column(Text, default="{}")
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(16), nullable=True)
    staff_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
