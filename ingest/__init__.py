"""Ingestion: corpus files → loaded text → structured chunks and records → vector + keyword index."""
