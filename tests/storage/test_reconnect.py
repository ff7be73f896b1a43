"""PostgreSQL restarted while the bot was quiet: the next message still gets through."""

from __future__ import annotations

import pytest

from storage import Store
from tests import postgres
from tests.storage.one_citizen import load, save
from tests.tcp_proxy import TcpProxy


async def test_the_first_message_after_a_quiet_outage_is_handled(
    postgres_server: tuple[str, int], request: pytest.FixtureRequest
) -> None:
    host, port = postgres_server
    url = postgres.create_database(host, port, "quiet_outage")
    proxy = TcpProxy(host, port)
    with proxy as (proxy_host, proxy_port):
        # idle_ping_seconds=0: the pooled connection counts as idle at once (in service: 10 s)
        store = Store(url.replace(f"@{host}:{port}/", f"@{proxy_host}:{proxy_port}/"), idle_ping_seconds=0)
        try:
            await store.upgrade()
            await save(store, "before")  # leaves a connection in the pool
            proxy.cut()  # the server goes away while nobody writes...
            proxy.restore()  # ...and is back before the next message

            await save(store, "after the outage")

            assert await load(store) == {"said": "after the outage"}
        finally:
            await store.close()
