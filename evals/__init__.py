"""Evaluation of the assistant on a curated test set — arrives with the evaluation issue."""
