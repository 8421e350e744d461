from switchboard.entrypoints.cli import main

main()
