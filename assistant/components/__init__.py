"""External systems (embedding models, vector store, keyword index), each behind one interface.

Services (ingestion, retrieval, answering) receive these components; ``build_*`` functions choose the
concrete class from :class:`assistant.config.Settings`, so configuration is wired in one place.
"""
