"""Result sets → files for the case file: PDF (pdf.py) and CSV (csv.py), from resultset.py's dataclasses."""
