from gonghui_desk.cli import main

raise SystemExit(main())
