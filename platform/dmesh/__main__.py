from dmesh.entry import main

main()
