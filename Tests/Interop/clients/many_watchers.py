#!/usr/bin/python3
"""Many XMPP watchers in one process, for the delegated-authorization interop test (slixmpp; /usr/bin/python3).

Usage: many_watchers.py PREFIX COUNT PASSWORD TARGET SECONDS [HOST [PORT]]

Logs in PREFIX001@a.test .. PREFIX<COUNT>@a.test (same PASSWORD), each sends available presence and a
subscribe to TARGET, and stays online for SECONDS. stdout: one JSON event per line:
  {"event":"connected","jid":..}   {"event":"auth_failed","jid":..}
  {"event":"presence","jid":<watcher>,"from":..,"type":..,"show":..,"status":..}
  {"event":"done"}
Subscriptions are never auto-answered. Plain auth without TLS: loopback test servers only.
"""

import asyncio
import json
import logging
import sys

from slixmpp import ClientXMPP


def emit(event, **fields):
    sys.stdout.write(json.dumps({"event": event, **fields}, ensure_ascii=False) + "\n")
    sys.stdout.flush()


class Watcher(ClientXMPP):
    def __init__(self, jid, password, target):
        super().__init__(jid, password)
        self.target = target
        self.auto_authorize = None
        self.auto_subscribe = False
        self["feature_mechanisms"].unencrypted_plain = True
        self.add_event_handler("session_start", self.on_session_start)
        self.add_event_handler("failed_auth", lambda _e: emit("auth_failed", jid=str(self.boundjid.bare)))
        self.add_event_handler("presence", self.on_presence)

    async def on_session_start(self, _event):
        self.send_presence()
        self.send_presence(pto=self.target, ptype="subscribe")
        emit("connected", jid=str(self.boundjid.bare))

    def on_presence(self, pres):
        if str(pres["from"].bare) != self.target:
            return
        xml = pres.xml
        status = xml.find("{%s}status" % pres.namespace)
        show = xml.find("{%s}show" % pres.namespace)
        emit("presence", jid=str(self.boundjid.bare), **{
            "from": str(pres["from"]),
            "type": xml.attrib.get("type") or "available",
            "show": show.text if show is not None else None,
            "status": status.text if status is not None else None})


async def run(prefix, count, password, target, seconds, host, port):
    watchers = []
    for i in range(1, count + 1):
        w = Watcher("%s%03d@a.test" % (prefix, i), password, target)
        w.connect(address=(host, port), force_starttls=False, disable_starttls=True)
        watchers.append(w)
        await asyncio.sleep(0.01)  # spread the logins a little: Prosody accepts them one by one anyway
    await asyncio.sleep(seconds)
    for w in watchers:
        w.disconnect()
    emit("done")


def main():
    if len(sys.argv) < 6:
        sys.stderr.write(__doc__)
        return 64
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    prefix, count, password, target, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5])
    host = sys.argv[6] if len(sys.argv) > 6 else "127.0.0.1"
    port = int(sys.argv[7]) if len(sys.argv) > 7 else 5222
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(run(prefix, count, password, target, seconds, host, port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
