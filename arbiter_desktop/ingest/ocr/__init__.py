"""OCR of scanned pages and photos of pages (phase 1b of indexing), with Tesseract through ``tesserocr``.

- ``source.py``: the one function through which OCR reads a document's bytes.
- ``images.py``: a page as an image (a PDF page rendered, a frame of an image file, EXIF orientation honoured; for
  a message, the page of the attached photo or scan that its page is), under pixel limits (decompression bombs).
- ``layer.py``: which pages of a PDF need OCR (no text layer, or an unusable one).
- ``engine.py``: the engine: recognition of one page image, orientation, word boxes, the cache key.
- ``text.py``: recognised pages assembled into the document text, with their word boxes.
- ``task.py``: the page job run in the extraction workers.
"""
