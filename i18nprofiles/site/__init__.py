"""Pages: safe Markdown and text, the theme (Jinja2 templates and UI strings), the site as page records."""
