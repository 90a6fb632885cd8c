from i18nprofiles.cli import main

main()
