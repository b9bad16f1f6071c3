/** Text files bundled as strings (Vite's `?raw` suffix), e.g. the PyTorch reference script of the benchmark. */
declare module '*?raw' {
  const content: string;
  export default content;
}
