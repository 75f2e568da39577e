"""Reading typed lines without blocking the event loop, from a terminal or a pipe."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import TextIO


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed, or not a real file
        return False


class LineReader:
    """Reads one line at a time in a daemon thread; the prompt is shown on a terminal only."""

    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self._stdin = stdin
        self._stdout = stdout
        self.interactive = _is_terminal(stdin)

    async def readline(self, prompt: str = "") -> str | None:
        """The next line without its newline, or None at the end of input."""
        if self.interactive and prompt:
            self._stdout.write(prompt)
            self._stdout.flush()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str] = loop.create_future()

        def deliver(line: str | None, error: BaseException | None) -> None:
            if future.done():  # the reader was cancelled while the thread waited
                return
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(line or "")

        def read() -> None:
            try:
                line, error = self._stdin.readline(), None
            except Exception as exc:  # handed to the awaiting task, not lost in the thread
                line, error = None, exc
            with contextlib.suppress(RuntimeError):  # the loop closed while we were reading
                loop.call_soon_threadsafe(deliver, line, error)

        # A daemon thread, not the default executor: a read blocked on a terminal must not
        # keep the process alive after the console was cancelled (Ctrl-C).
        threading.Thread(target=read, name="console-stdin", daemon=True).start()
        line = await future
        if line == "":
            if self.interactive:
                self._stdout.write("\n")  # Ctrl-D leaves the cursor after the prompt
                self._stdout.flush()
            return None
        return line.rstrip("\r\n")
