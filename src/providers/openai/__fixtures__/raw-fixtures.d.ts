/** SSE fixtures are read as text through Vite's `?raw` imports (tests only). */
declare module '*.sse?raw' {
  const text: string;
  export default text;
}
