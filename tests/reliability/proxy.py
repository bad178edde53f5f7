"""A TCP proxy the tests can cut: the database "goes away" without touching the server.

``refuse()`` closes every connection and turns new ones away, like a server that
stopped. ``blackhole()`` keeps connections open but lets nothing through, like a
network partition (the harder case: nothing fails, everything waits). The partition
then ends one of two ways: ``restore()`` resets the connections caught in it, as a
firewall or the server would once packets flow again; ``heal()`` leaves them hanging
forever, as when their packets are simply lost, and only new connections work.
``blackhole_at(marker, deliver=...)`` starts the partition at an exact point: when a
client sends bytes containing ``marker`` (say ``COMMIT``), with or without those bytes
reaching the server first.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Literal

Mode = Literal["forward", "refuse", "blackhole"]


@dataclass
class _Link:
    """One client connection and its way to the server."""

    writers: list[asyncio.StreamWriter]
    flowing: asyncio.Event = field(default_factory=asyncio.Event)
    pumps: list[asyncio.Task[None]] = field(default_factory=list)

    def reset(self) -> None:
        for pump in self.pumps:
            pump.cancel()
        for writer in self.writers:
            writer.transport.abort()


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.mode: Mode = "forward"
        self._server: asyncio.Server | None = None
        self._links: list[_Link] = []
        self._trip: tuple[bytes, bool] | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)

    async def stop(self) -> None:
        self._reset()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def refuse(self) -> None:
        self.mode = "refuse"
        self._reset()

    def blackhole(self) -> None:
        self.mode = "blackhole"
        for link in self._links:
            link.flowing.clear()

    def blackhole_at(self, marker: bytes, *, deliver: bool) -> None:
        self._trip = (marker, deliver)

    def restore(self) -> None:
        self.mode = "forward"
        self._reset()

    def heal(self) -> None:
        """New connections work again; those caught in the partition stay dead."""
        self.mode = "forward"
        self._links.clear()  # forgotten, never reset, never flowing again

    def _reset(self) -> None:
        for link in self._links:
            link.reset()
        self._links.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.mode == "refuse":
            writer.transport.abort()
            return
        link = _Link([writer])
        self._links.append(link)
        if self.mode == "blackhole":
            return  # held open, never answered
        link.flowing.set()
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        link.writers.append(up_writer)
        for source, sink, upstream in ((reader, up_writer, True), (up_reader, writer, False)):
            pump = self._pump(source, sink, link.flowing, upstream)
            link.pumps.append(asyncio.create_task(pump))

    async def _pump(
        self,
        source: asyncio.StreamReader,
        sink: asyncio.StreamWriter,
        flowing: asyncio.Event,
        upstream: bool,
    ) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while data := await source.read(65536):
                tripped = upstream and self._trip is not None and self._trip[0] in data
                if tripped and self._trip is not None:
                    deliver, self._trip = self._trip[1], None
                    if deliver:
                        sink.write(data)
                        await sink.drain()
                    self.blackhole()
                    continue
                await flowing.wait()  # a partition holds the traffic
                sink.write(data)
                await sink.drain()
        sink.transport.abort()
