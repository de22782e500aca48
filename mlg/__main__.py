from mlg.cli.main import main

main()
