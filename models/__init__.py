"""The project's data: report templates, observations from sources, and the output document."""
