/** The VS Code theme variables the browser tests apply: the same values the HTML report uses. */
export { THEMES, type ThemeName } from '../../src/webviewShell/themes';
