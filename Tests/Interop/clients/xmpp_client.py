#!/usr/bin/python3
"""Scriptable XMPP client for the interop tests (slixmpp; run with /usr/bin/python3).

Usage: xmpp_client.py JID PASSWORD [HOST [PORT]]

stdin:  one JSON command per line
        {"cmd":"send","to":"bob@b.test","body":"hi","subject":"s","lang":"fr",
         "thread":"t1","type":"normal","id":"m1"}
        {"cmd":"presence","show":"away","status":"at lunch","lang":"en","priority":5}
            broadcast presence; "to" makes it directed; "type":"unavailable" goes offline.
            show is one of away, chat, dnd, xa (none = available).
        {"cmd":"subscription","to":"bob@b.test","type":"subscribe"}
            type: subscribe, subscribed, unsubscribe or unsubscribed. Nothing is ever
            answered automatically: the test sends subscribed/unsubscribed itself.
        {"cmd":"quit"}
stdout: one JSON event per line
        {"event":"connected","jid":"alice@a.test/..."}
        {"event":"auth_failed"}
        {"event":"sent","id":"m1"}
        {"event":"message","from":..,"to":..,"id":..,"type":..,"body":..,"subject":..,
         "lang":..,"thread":..}
        {"event":"error","from":..,"id":..,"error_type":..,"condition":..,"text":..}
        {"event":"presence","from":..,"to":..,"type":..,"show":..,"status":..,"lang":..,
         "priority":..}  for every presence stanza received (type "available" when absent;
         priority as a string, null when absent)
        {"event":"presence_sent","to":..,"type":..}
        {"event":"disconnected"}
        {"event":"bad_command","reason":..}
"""

import asyncio
import json
import logging
import sys
import threading

from slixmpp import ClientXMPP


def emit(event, **fields):
    fields = {"event": event, **fields}
    sys.stdout.write(json.dumps(fields, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def none_if_empty(value):
    value = str(value) if value is not None else ""
    return value if value != "" else None


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def message_lang(msg):
    """xml:lang of the stanza, else of its <body/> (both carry it per RFC 6120 section 8.1.5)."""
    lang = msg.xml.attrib.get(XML_LANG)
    if not lang:
        body = msg.xml.find("{%s}body" % msg.namespace)
        lang = body.attrib.get(XML_LANG) if body is not None else None
    return none_if_empty(lang)


class TestClient(ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password)
        # The tests check presence and subscriptions explicitly; never auto-answer. None, not
        # False: False makes slixmpp refuse every request with "unsubscribed".
        self.auto_authorize = None
        self.auto_subscribe = False
        # Loopback test servers run without TLS.
        self["feature_mechanisms"].unencrypted_plain = True
        self.add_event_handler("session_start", self.on_session_start)
        self.add_event_handler("failed_auth", self.on_failed_auth)
        self.add_event_handler("disconnected", self.on_disconnected)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("message_error", self.on_message_error)
        self.add_event_handler("presence", self.on_presence)
        # Commands that arrive before the session is up wait for it.
        self.pending = []
        self.session_up = False

    async def on_session_start(self, _event):
        self.send_presence()
        await self.get_roster()
        self.session_up = True
        emit("connected", jid=str(self.boundjid))
        pending, self.pending = self.pending, []
        for command in pending:
            self.run_command(command)

    def on_failed_auth(self, _event):
        emit("auth_failed")

    def on_disconnected(self, _event):
        emit("disconnected")

    def on_message(self, msg):
        if msg["type"] == "error":
            return  # reported by on_message_error
        emit("message",
             **{"from": str(msg["from"]), "to": str(msg["to"]), "id": msg["id"] or None,
                "type": msg["type"], "body": none_if_empty(msg["body"]),
                "subject": none_if_empty(msg["subject"]),
                "lang": message_lang(msg),
                "thread": none_if_empty(msg["thread"]),
                # XEP-0144 roster item exchange: "jid=name" of each offered item, space-separated.
                "rosterx": none_if_empty(" ".join(
                    "%s=%s" % (item.attrib.get("jid"), item.attrib.get("name") or "")
                    for item in msg.xml.findall("{http://jabber.org/protocol/rosterx}x/{http://jabber.org/protocol/rosterx}item")))})

    def on_message_error(self, msg):
        error = msg["error"]
        emit("error",
             **{"from": str(msg["from"]), "id": msg["id"] or None,
                "error_type": none_if_empty(error["type"]),
                "condition": none_if_empty(error["condition"]),
                "text": none_if_empty(error["text"])})

    def on_presence(self, pres):
        xml = pres.xml
        ns = pres.namespace
        status = xml.find("{%s}status" % ns)
        show = xml.find("{%s}show" % ns)
        priority = xml.find("{%s}priority" % ns)
        # The status's own xml:lang wins; it inherits the stanza's (RFC 6120 section 8.1.5), which
        # slixmpp fills in with the stream's default when the stanza has none.
        lang = status.attrib.get(XML_LANG) if status is not None else None
        if not lang:
            lang = xml.attrib.get(XML_LANG)
        emit("presence",
             **{"from": str(pres["from"]), "to": str(pres["to"]),
                "type": xml.attrib.get("type") or "available",
                "show": none_if_empty(show.text if show is not None else None),
                "status": none_if_empty(status.text if status is not None else None),
                "lang": none_if_empty(lang),
                "priority": none_if_empty(priority.text if priority is not None else None)})

    def run_command(self, command):
        name = command.get("cmd")
        if not self.session_up and name != "quit":
            self.pending.append(command)
            return
        if name == "send":
            msg = self.make_message(mto=command["to"], mbody=command.get("body"),
                                    msubject=command.get("subject"),
                                    mtype=command.get("type") or "normal")
            if command.get("lang"):
                msg.xml.set(XML_LANG, command["lang"])
            if command.get("thread"):
                msg["thread"] = command["thread"]
            if command.get("id"):
                msg["id"] = command["id"]
            msg.send()
            emit("sent", id=msg["id"])
        elif name == "presence":
            ptype = command.get("type") or None
            if ptype not in (None, "unavailable"):
                emit("bad_command", reason=f"presence type {ptype!r}: use subscription for that")
                return
            pres = self.make_presence(pshow=command.get("show") or None,
                                      pstatus=command.get("status") or None,
                                      ppriority=command.get("priority"),
                                      pto=command.get("to") or None, ptype=ptype)
            if command.get("lang"):
                pres.xml.set(XML_LANG, command["lang"])
            pres.send()
            emit("presence_sent", to=command.get("to"), type=ptype or "available")
        elif name == "subscription":
            ptype = command.get("type")
            if ptype not in ("subscribe", "subscribed", "unsubscribe", "unsubscribed") or not command.get("to"):
                emit("bad_command", reason=f"subscription needs to and a type, got {ptype!r}")
                return
            self.make_presence(pto=command["to"], ptype=ptype).send()
            emit("presence_sent", to=command["to"], type=ptype)
        elif name == "quit":
            self.disconnect()
        else:
            emit("bad_command", reason=f"unknown cmd {name!r}")


def read_commands(loop, client):
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            command = json.loads(line)
        except json.JSONDecodeError as err:
            emit("bad_command", reason=str(err))
            continue
        loop.call_soon_threadsafe(client.run_command, command)
    # stdin closed: the test is gone, so leave.
    loop.call_soon_threadsafe(client.disconnect)


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 64
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    jid, password = sys.argv[1], sys.argv[2]
    host = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
    port = int(sys.argv[4]) if len(sys.argv) > 4 else 5222
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    client = TestClient(jid, password)
    client.connect(address=(host, port), force_starttls=False, disable_starttls=True)
    threading.Thread(target=read_commands, args=(loop, client), daemon=True).start()
    loop.run_until_complete(client.disconnected)
    return 0


if __name__ == "__main__":
    sys.exit(main())
