from switchboard.entrypoints.launch import main

main()
