"""ReportQA: question answering over Chinese government budget and performance reports."""
