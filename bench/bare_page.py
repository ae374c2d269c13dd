"""The reference for page loads: one plotly chart on a bare Streamlit page, served like Pantau."""
import plotly.graph_objects as go
import streamlit as st

st.title("Bare page")
st.plotly_chart(go.Figure(go.Scatter(x=list(range(12)), y=[v * v for v in range(12)])))
