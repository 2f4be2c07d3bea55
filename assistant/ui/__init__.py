"""What the web page shows, as plain data: its text, source panels, sidebar rows, downloads and the
actions behind its buttons. Pure where it can be, and never imports ``streamlit``: the page
(``streamlit_app.py``) only lays these out."""
