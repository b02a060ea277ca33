"""Source text: reading bytes into text and converting positions between unit systems."""
