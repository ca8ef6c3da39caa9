"""Near-duplicate documents: the same text across formats, a scan and its typed twin.

:mod:`.minhash` turns a document's text into a MinHash signature over character shingles of its normalised
text (accents, case, spaces and punctuation dropped, so that OCR's spurious spaces and lost accents do not
matter) and into LSH band keys; the catalog stores both at indexing time (:mod:`arbiter_desktop.stores.analysis`),
and documents whose signatures agree on at least :data:`.minhash.THRESHOLD` of their rows, and whose numbers and
entities agree (:mod:`.facts`: a number or an entity that differs is other evidence, never hidden), are one group.
"""
