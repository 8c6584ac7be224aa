"""The website chat: Rasa's socket.io channel with session persistence that works.

Rasa 3.6.21 calls ``AsyncServer.enter_room`` without ``await`` in its
``session_request`` handler (RasaHQ/rasa#13027). With python-socketio 5.10 and
newer that is a coroutine, so the browser never joins its conversation's room
and every reply addressed to the room is lost. This channel keeps Rasa's
connector and replaces only that handler. Its name stays ``socketio`` so that
trackers, output-channel lookups and the URL ``/webhooks/socketio`` are the
ones Rasa documents.
"""
from __future__ import annotations

import logging
import re
import uuid
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.channel import OutputChannel
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.handoff.quiet import patient_text

logger = logging.getLogger(__name__)

# A conversation id the widget may ask to resume: what uuid4().hex produces.
_SESSION_ID = re.compile(r"^[0-9a-f]{32}$")


def resumable_session_id(requested: Any) -> str:
    """The id to use for a session request: the requested one if well formed, else a new one."""
    if isinstance(requested, str) and _SESSION_ID.match(requested):
        return requested
    return uuid.uuid4().hex


class RecentIds:
    """The last ``size`` (conversation, client message id) pairs seen, oldest forgotten first."""

    def __init__(self, size: int = 10_000):
        self.size = size
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()

    def first_time(self, conversation: str, client_id: str) -> bool:
        key = (conversation, client_id)
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True


class WebChatOutput(SocketIOOutput):
    """Rasa's socket.io output; a coordinator's message also says who wrote it.

    The console sends it as a bot event with metadata ``sender: coordinator``
    and ``name``; Rasa passes the metadata on as keyword arguments, and the
    widget shows such messages apart from the assistant's.
    """

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        if kwargs.get("sender") != "coordinator":
            await super().send_text_message(recipient_id, text, **kwargs)
            return
        metadata = {"sender": "coordinator", "name": str(kwargs.get("name") or "")}
        for part in text.strip().split("\n\n"):
            await self._send_message(recipient_id, {"text": part, "metadata": metadata})


class WebChatInput(SocketIOInput):
    """socket.io input whose clients really join their conversation's room.

    Also replaced: the message handler. A socket may only write into the
    conversation it joined with ``session_request`` (Rasa's own handler takes
    any ``session_id`` the client names, so one client could write into
    another patient's conversation). The widget may send a message again after
    a dropped connection when it cannot tell whether the first copy arrived;
    each copy carries the same ``metadata.client_id``, and a repeat is dropped,
    so nothing is answered twice. Always session-persistent.
    """

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint
        namespace = self.namespace or "/"
        recent = RecentIds()

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Optional[dict]) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = resumable_session_id(requested)
            for room in sio.rooms(sid, namespace=namespace):
                if room != sid:  # "Start over": stop hearing the old conversation
                    await sio.leave_room(sid, room, namespace=namespace)
            await sio.enter_room(sid, session_id, namespace=namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)
            logger.debug("socket %s joined conversation %s", sid, session_id)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            message = self._message_from(sid, data, sio.rooms(sid, namespace=namespace))
            if message is None:
                return
            client_id = (message.metadata or {}).get("client_id")
            if isinstance(client_id, str) and not recent.first_time(message.sender_id, client_id):
                logger.info("dropped a repeated message %s in %s", client_id, message.sender_id)
                return
            await on_new_message(message)

        return webhook

    def _message_from(self, sid: str, data: Any, rooms: list) -> Optional[UserMessage]:
        """The patient's message, if it is for the conversation this socket joined."""
        session_id = data.get("session_id") if isinstance(data, dict) else None
        if not isinstance(session_id, str) or not _SESSION_ID.match(session_id) or session_id not in rooms:
            logger.warning("socket %s sent a message for a conversation it has not joined; dropped", sid)
            return None
        metadata = data.get(self.metadata_key) or {}
        if not isinstance(metadata, dict):
            metadata = {}
        text = data.get("message")
        return UserMessage(patient_text(text if isinstance(text, str) else ""),
                           WebChatOutput(self.sio, self.bot_message_evt), session_id,
                           input_channel=self.name(), metadata=metadata)

    def get_output_channel(self) -> Optional[OutputChannel]:
        """For messages that do not answer a socket event (the console's replies)."""
        if self.sio is None:
            return None
        return WebChatOutput(self.sio, self.bot_message_evt)
