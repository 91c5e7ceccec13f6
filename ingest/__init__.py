"""Ingest: policy texts and records -> RDF.

Reading records (:mod:`ingest.records`), finding quotes (:mod:`ingest.quotes`),
mapping to DPV (:mod:`ingest.mapping`) and building the dataset (:mod:`ingest.build`).
"""
