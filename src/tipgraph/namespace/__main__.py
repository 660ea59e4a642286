"""``python -m tipgraph.namespace``: regenerate ``_TG.py`` from the ontology."""

from .generate import main

raise SystemExit(main())
