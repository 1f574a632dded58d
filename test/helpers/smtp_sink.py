"""An SMTP sink for the tests, run by aiosmtpd (python3-aiosmtpd):

    aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.Sink FOLDER

Each accepted message is written to FOLDER as one .eml file (written under a temporary name,
then renamed, so a reader never sees half a message). Recipients steer failures, the way a real
server answers: bounce*@ gets 550 (permanent), busy*@ gets 451 (temporary) twice, then 250.
"""
import itertools
import os
import time


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.counter = itertools.count()
        self.busy_answers = {}

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("smtp_sink.Sink takes one argument: the folder to write messages to")
        return cls(args[0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local.startswith("bounce"):
            return "550 5.1.1 mailbox unavailable"
        if local.startswith("busy"):
            seen = self.busy_answers.get(address, 0)
            self.busy_answers[address] = seen + 1
            if seen < 2:
                return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        name = "%d-%04d.eml" % (time.time_ns(), next(self.counter))
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        temporary = os.path.join(self.folder, name + ".part")
        with open(temporary, "wb") as f:
            f.write(data)
        os.rename(temporary, os.path.join(self.folder, name))
        return "250 Message accepted"
