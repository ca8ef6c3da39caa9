"""The desktop application: the only package that imports Qt (PySide6).

- application.py ... start-up: QApplication, translations, the window, ``--screenshot`` mode
- main_window.py ... the window: case, search bar, expansion chips, results, preview, sources, progress
- search_worker.py . the thread that reads the case (searches, documents, page images); the GUI thread only draws
- indexing.py ...... drives the indexing process (indexing/process.py) from a timer; pause, resume, cancel
- results_model.py . the result list as a Qt item model; delegate.py draws one hit
- preview.py ....... the document at the hit: text with every match, or the PDF page
- settings_dialog.py models, threads, operator, language, and the case lexicon
- html.py, state.py  pure helpers: escaped HTML for passages and documents; the recent-cases file
"""
