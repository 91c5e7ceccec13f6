"""ropa-kg: a knowledge graph of GDPR Art. 30 records of processing activities.

The library behind the ``ropa`` CLI and notebooks.

>>> import ropakg
>>> kg = ropakg.load()          # doctest: +SKIP
>>> kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?p a dpv:PersonalDataProcess }")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from ropakg.errors import RopaError

__all__ = ["KnowledgeGraph", "RemoteGraph", "RopaError", "connect", "load", "serve"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # The store pulls in pyoxigraph and pandas; import it only when asked for.
    if name in ("KnowledgeGraph", "load"):
        from ropakg import store

        return getattr(store, name)
    if name in ("RemoteGraph", "connect"):
        from ropakg import remote

        return getattr(remote, name)
    if name == "serve":
        from ropakg import server

        return server.serve
    raise AttributeError(name)
