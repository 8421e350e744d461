"""Local, stateful fakes of the services Switchboard talks to (LiveKit, Twilio), for tests and offline use."""
