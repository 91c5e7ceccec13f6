"""Pages of the Streamlit app (UI only; the logic is in the ropakg library)."""
