"""The coordinators' console: accounts and sign-in (auth), the pages and the JSON API."""
