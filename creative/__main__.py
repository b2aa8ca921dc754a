from creative.cli import main

raise SystemExit(main())
