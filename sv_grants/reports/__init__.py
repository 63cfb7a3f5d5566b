"""Returns the PCC office is measured by: the funding and impact returns, the 360Giving export and
the public transparency list. Every return is built once as data (``data.py``) and rendered from
that one object as PDF, HTML, CSV and XLSX, so the formats cannot disagree."""
