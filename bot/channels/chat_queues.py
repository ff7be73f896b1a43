"""Per-chat ordering: one chat's jobs run one at a time in arrival order; chats run side by side."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[object]]


class ChatQueues:
    """A queue and a worker task per busy chat; the worker ends when its queue is empty."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[Job]] = {}
        self._workers: set[asyncio.Task[None]] = set()

    def put(self, chat_id: str, job: Job) -> None:
        """Queue `job` after the chat's earlier jobs; failures are logged, never raised."""
        queue = self._queues.get(chat_id)
        if queue is not None:
            queue.append(job)
            return
        self._queues[chat_id] = deque([job])
        worker = asyncio.create_task(self._drain(chat_id))
        self._workers.add(worker)
        worker.add_done_callback(self._workers.discard)

    async def run(self, chat_id: str, job: Job) -> None:
        """Queue `job` like `put` and wait until it has run."""
        done = asyncio.get_running_loop().create_future()

        async def tracked() -> None:
            try:
                await job()
            finally:
                if not done.done():
                    done.set_result(None)

        self.put(chat_id, tracked)
        await done

    async def _drain(self, chat_id: str) -> None:
        queue = self._queues[chat_id]
        while queue:
            try:
                await queue[0]()
            except Exception:
                log.exception("chat job failed")
            queue.popleft()
        # No await since the queue was seen empty, so no job can slip in between.
        del self._queues[chat_id]

    @property
    def busy(self) -> int:
        return len(self._queues)

    async def close(self, grace: float) -> None:
        """Let running jobs finish for up to `grace` seconds, then cancel the rest."""
        workers = set(self._workers)
        if not workers:
            return
        _, pending = await asyncio.wait(workers, timeout=grace)
        for worker in pending:
            worker.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
