"""Compare: controllers side by side on data categories, purposes and recipients."""

import altair as alt
import streamlit as st

from app_pages.common import controller_count, downloads, graph, lang, pager
from ropakg import views

kg = graph()
st.title("Compare controllers")
dimension = st.radio("Compare by", list(views.DIMENSIONS), horizontal=True, key="compare-dimension")
page = pager(controller_count(), "compare-page", views.MATRIX_PAGE)
table = views.matrix(kg, dimension, lang(), offset=page * views.MATRIX_PAGE)
if table.empty:
    st.info("Nothing to compare.")
else:
    long = table.reset_index().melt(id_vars="controller", var_name="item", value_name="present")
    chart = (
        alt.Chart(long)
        .mark_rect(stroke="white")
        .encode(
            x=alt.X("item:N", sort=list(table.columns), title=dimension, axis=alt.Axis(labelAngle=-45, labelLimit=220)),
            y=alt.Y("controller:N", title=None),
            color=alt.Color("present:Q", scale=alt.Scale(domain=[0, 1], range=["#f4f6f7", "#2471a3"]), legend=None),
            tooltip=["controller", "item", "present"],
        )
        .properties(height=40 * len(table) + 40)
    )
    st.altair_chart(chart, width="stretch")
    st.dataframe(table, key="compare-table")
    downloads(table.reset_index(), f"compare-{dimension.split()[0]}")
