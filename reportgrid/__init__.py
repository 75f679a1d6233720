"""reportgrid: validated JSON from web pages, PDFs and scans of reports with known table layouts."""
