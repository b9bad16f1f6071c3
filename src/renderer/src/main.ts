import './styles/forms.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { createClient } from './api/client';

const client = createClient();
mount(App, { target: document.getElementById('app')!, props: { client } });
