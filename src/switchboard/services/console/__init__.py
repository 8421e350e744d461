"""The web console's use cases: accounts and sign-in (`accounts`), and what its pages show
(`views`). The routes in `entrypoints/web/console` only call these."""
