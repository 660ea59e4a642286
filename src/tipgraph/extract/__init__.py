"""Reading press releases into candidate facts, each with the span of text it came from.

``candidates`` defines what an extraction produces; ``pipeline.extract`` produces it; the
workflow module stores candidates in their own graph per source, for review, ingest and
retraction.
"""
