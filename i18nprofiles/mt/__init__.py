"""Machine translation: engines behind one interface (deep-translator and offline ones), and token protection."""
