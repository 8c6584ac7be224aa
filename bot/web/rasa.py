"""The web app's calls to the Rasa HTTP API (loopback, with the server's token).

Read a conversation's events, tell the assistant that a coordinator arrived
or left (trigger_intent), and deliver a coordinator's message to the patient
through the channel they last wrote from (tracker events with
execute_side_effects; contract §5).

Rasa does not percent-decode conversation ids in its paths (a WhatsApp id such
as ``whatsapp:+4479...`` must travel as it is), so ids go into the path raw,
and an id that could not travel raw is refused.
"""
from __future__ import annotations

import re
from urllib.parse import urlencode
from typing import Any, Optional

import aiohttp
from yarl import URL

TIMEOUT = aiohttp.ClientTimeout(total=15)
_UNSAFE_IN_PATH = re.compile(r"[\s/?#%\\]|[\x00-\x1f\x7f]")


class RasaUnavailable(Exception):
    """The Rasa server did not do what was asked; the message says what happened."""


class RasaClient:
    def __init__(self, base_url: str, token: str, http: aiohttp.ClientSession) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.http = http

    def _url(self, conversation_id: str, tail: str, **params: str) -> URL:
        if not conversation_id or _UNSAFE_IN_PATH.search(conversation_id):
            raise RasaUnavailable(f"conversation id {conversation_id!r} cannot be addressed")
        query = urlencode({"token": self.token, **params})
        return URL(f"{self.base_url}/conversations/{conversation_id}/{tail}?{query}", encoded=True)

    async def _call(self, method: str, url: URL, body: Optional[Any] = None) -> Any:
        try:
            async with self.http.request(method, url, json=body, timeout=TIMEOUT) as reply:
                if reply.status != 200:
                    raise RasaUnavailable(f"Rasa answered {reply.status}: {(await reply.text())[:200]}")
                return await reply.json()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RasaUnavailable(f"Rasa is not reachable ({exc.__class__.__name__})") from exc

    async def events(self, conversation_id: str) -> list[dict]:
        body = await self._call("GET", self._url(conversation_id, "tracker", include_events="ALL"))
        return list(body.get("events") or [])

    async def trigger_intent(self, conversation_id: str, intent: str, entities: dict) -> None:
        url = self._url(conversation_id, "trigger_intent", output_channel="latest")
        await self._call("POST", url, {"name": intent, "entities": entities})

    async def send_bot_message(self, conversation_id: str, text: str, metadata: dict) -> None:
        url = self._url(conversation_id, "tracker/events", output_channel="latest",
                        execute_side_effects="true")
        await self._call("POST", url, [{"event": "bot", "text": text, "metadata": metadata}])
