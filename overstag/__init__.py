"""Server-side extensions of Overstag: NLU components, channels, storage and launcher."""
