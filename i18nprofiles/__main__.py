from i18nprofiles.console import main

main()
